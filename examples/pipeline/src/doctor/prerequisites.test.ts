import { afterEach, describe, expect, it } from 'vitest';
import { isUsageError } from '../usage-error.js';
import { checkPrerequisites, requirePrerequisites } from './prerequisites.js';

const python = process.env.PYTHON;
afterEach(() => {
  if (python === undefined) delete process.env.PYTHON;
  else process.env.PYTHON = python;
});

describe('prerequisites', () => {
  it('finds the running Node and reports its version', async () => {
    const [node] = await checkPrerequisites(['node']);
    expect(node).toMatchObject({ name: 'node', ok: true, detail: `Node ${process.versions.node}` });
  });

  it('names a missing one, what needs it and how to get it, as CLI_PREREQUISITE_MISSING', async () => {
    process.env.PYTHON = 'orderstream-no-such-python';
    const [status] = await checkPrerequisites(['python']);
    expect(status).toMatchObject({ ok: false, detail: 'not found' });
    await expect(requirePrerequisites(['node', 'python'])).rejects.toSatisfy(
      (error) =>
        isUsageError(error) &&
        error.code === 'CLI_PREREQUISITE_MISSING' &&
        /^python: not found \(needed for dbt/.test(error.message) &&
        /--no-dbt/.test(error.fix),
    );
  });
});
