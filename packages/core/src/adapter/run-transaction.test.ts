import { describe, expect, it } from 'vitest';
import { OrderstreamError } from '../errors/orderstream-error.js';
import { runTransaction, type TransactionSteps } from './run-transaction.js';
import { SourceFailure } from './source-failure.js';

function recorder(overrides: Partial<TransactionSteps> = {}) {
  const log: string[] = [];
  const steps: TransactionSteps = {
    begin: async () => log.push('begin'),
    commit: async () => log.push('commit'),
    rollback: async () => log.push('rollback'),
    beforeCommit: () => {
      log.push('beforeCommit');
    },
    afterRollback: () => log.push('afterRollback'),
    failure: (cause) => new OrderstreamError('CORE_INVALID_BATCH', 'wrapped', { cause }),
    ...overrides,
  };
  return { log, steps };
}

describe('runTransaction', () => {
  it('runs begin, the body, the before-commit hook and commit in order', async () => {
    const { log, steps } = recorder();
    await runTransaction(steps, async () => {
      log.push('body');
    });
    expect(log).toEqual(['begin', 'body', 'beforeCommit', 'commit']);
  });

  it("rolls back and rethrows a source failure's own error unchanged", async () => {
    const { log, steps } = recorder();
    const cause = new Error('the file went away');
    await expect(
      runTransaction(steps, async () => {
        throw new SourceFailure(cause);
      }),
    ).rejects.toBe(cause);
    expect(log).toEqual(['begin', 'rollback', 'afterRollback']);
  });

  it('rethrows an orderstream error as it is and wraps anything else with failure()', async () => {
    const ours = new OrderstreamError('CORE_OFFSET_CONFLICT', 'fenced');
    await expect(
      runTransaction(recorder().steps, async () => {
        throw ours;
      }),
    ).rejects.toBe(ours);
    const foreign = new Error('engine said no');
    const error = await runTransaction(recorder().steps, async () => {
      throw foreign;
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CORE_INVALID_BATCH', cause: foreign });
  });

  it('reports the first error when the rollback fails too, and a failed commit is rolled back', async () => {
    const { log, steps } = recorder({
      commit: async () => {
        throw new Error('commit refused');
      },
      rollback: async () => {
        log.push('rollback');
        throw new Error('rollback refused');
      },
    });
    const error = await runTransaction(steps, async () => undefined).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CORE_INVALID_BATCH', cause: { message: 'commit refused' } });
    expect(log).toEqual(['begin', 'beforeCommit', 'rollback', 'afterRollback']);
  });

  it('throws a failed begin as it is, without a rollback', async () => {
    const refused = new Error('no session');
    const { log, steps } = recorder({
      begin: async () => {
        throw refused;
      },
    });
    await expect(runTransaction(steps, async () => undefined)).rejects.toBe(refused);
    expect(log).toEqual([]);
  });
});
