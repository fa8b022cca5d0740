import { createOrderEventStream } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import { streamSeed } from './produce.js';

const NOW = new Date('2026-03-10T18:20:00.000Z');
const eventIds = (seed: number) =>
  new Set([...createOrderEventStream({ seed, now: () => NOW, limit: 200 })].map((event) => event.event_id));

describe('orderstream produce: the seed of a generated run', () => {
  it('keeps an explicit seed, so the run sends the same event ids again (a replay, counted once)', () => {
    expect(streamSeed(42)).toBe(42);
    expect(streamSeed(0)).toBe(0);
    expect(eventIds(streamSeed(42))).toEqual(eventIds(42));
  });

  it('draws a new seed per default run, so two default runs share no event id', () => {
    const first = eventIds(streamSeed(undefined));
    const second = eventIds(streamSeed(undefined));
    expect(first.size).toBe(200);
    expect([...second].filter((id) => first.has(id))).toEqual([]);
  });
});
