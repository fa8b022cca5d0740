import { createOrderEventStream, serializeOrderEvent } from '@orderstream/core';
import { OrderSink } from '../../sink/order-sink.js';
import { defined, FakeClock, FakeConsumer, FakeProducer, fakeFactory, MemoryWarehouse } from './fakes.js';

/** The topic the sink under test reads. */
export const TOPIC = 'orders';
/** Fifty order events of a fixed seed; event times at the fake clock's start, inside the sink's event_time window. */
export const events = [
  ...createOrderEventStream({ seed: 3, limit: 50, now: () => new Date(Date.UTC(2026, 0, 1)) }),
];
/** The JSON of event `i` (cycling through {@link events}). */
export const json = (i: number) => JSON.stringify(serializeOrderEvent(defined(events[i % events.length])));

/** An `OrderSink` on fakes (consumer, producer, memory warehouse, clock) with small flush limits. */
export function setup(overrides: Record<string, unknown> = {}) {
  const consumer = new FakeConsumer(TOPIC);
  const producer = new FakeProducer();
  const warehouse = new MemoryWarehouse();
  const clock = new FakeClock();
  const sink = new OrderSink({
    clientFactory: fakeFactory({ consumer, producer }),
    groupId: 'g',
    warehouse,
    clock,
    flushMaxRecords: 5,
    flushIntervalMs: 1000,
    retryMinTimeoutMs: 1,
    retryMaxTimeoutMs: 2,
    ...overrides,
  });
  consumer.afterBatch = () => sink.flushed();
  return { consumer, producer, warehouse, clock, sink };
}
