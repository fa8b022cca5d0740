// The first hour's user errors (issue 22), shared by the test that checks each one fails cleanly
// (first-hour.test.ts: one line with its code, nothing left running) and by the benchmark that
// times them (bench/cli.ts: each exits within 2 s).

/** What a case's arguments may refer to, created by the caller. */
export interface UserErrorContext {
  /** A port another program listens on. */
  readonly takenPort: number;
  /** A regular file (so `<aFile>/x` is a folder that cannot be created). */
  readonly aFile: string;
}

/** A command line that must fail as a user error before anything starts. */
export interface UserErrorCase {
  readonly name: string;
  /**
   * The CLI's arguments. A `demo` without `--port` needs one added by the caller: the default,
   * 8501, may be another program's.
   */
  readonly args: (context: UserErrorContext) => string[];
  /** Environment for this case (`KAFKA_BROKERS` is unset unless given here). */
  readonly env?: Readonly<Record<string, string>>;
  /** What its one line on stderr must match. */
  readonly code: RegExp;
}

/** Every first-hour user error, one per way off the happy path. */
export const USER_ERROR_CASES: readonly UserErrorCase[] = [
  {
    name: 'dashboard port taken',
    args: ({ takenPort }) => ['demo', '--port', String(takenPort)],
    code: /CLI_PORT_IN_USE/,
  },
  { name: 'dashboard port 0', args: () => ['demo', '--port', '0'], code: /CLI_PORT_INVALID/ },
  {
    name: 'metrics port taken (with a valid dashboard port)',
    args: ({ takenPort }) => ['demo', '--metrics-port', String(takenPort)],
    code: /CLI_PORT_IN_USE/,
  },
  { name: '--port 99999', args: () => ['demo', '--port', '99999'], code: /CLI_PORT_INVALID/ },
  {
    name: '--data /nonexistent',
    args: () => ['demo', '--data', '/nonexistent'],
    code: /CLI_PATH_NOT_FOUND/,
  },
  {
    name: '--warehouse under /proc (the mkdir loop)',
    args: () => ['demo', '--warehouse', 'duckdb:/proc/x/w.duckdb'],
    code: /CLI_PATH_UNWRITABLE: .*cannot be written/,
  },
  {
    name: '--warehouse in a folder that cannot be created',
    args: ({ aFile }) => ['demo', '--warehouse', `duckdb:${aFile}/w.duckdb`],
    code: /CLI_PATH_UNWRITABLE: .*cannot be written/,
  },
  {
    name: 'unknown warehouse',
    args: () => ['demo', '--warehouse', 'postgres'],
    code: /CLI_WAREHOUSE_INVALID/,
  },
  {
    name: 'bad broker list',
    args: () => ['demo'],
    env: { KAFKA_BROKERS: 'localhost,9092' },
    code: /CLI_BROKERS_INVALID/,
  },
  {
    name: 'unreachable brokers',
    args: () => ['demo'],
    env: { KAFKA_BROKERS: '127.0.0.1:1' },
    code: /CLI_KAFKA_UNREACHABLE/,
  },
  { name: 'unknown option', args: () => ['demo', '--colour'], code: /CLI_INVALID_OPTION/ },
  { name: 'bad number', args: () => ['demo', '--orders', 'many'], code: /CLI_INVALID_OPTION/ },
  {
    name: 'sink with the /proc warehouse',
    args: () => ['sink', '--warehouse', 'duckdb:/proc/x/w.duckdb'],
    env: { KAFKA_BROKERS: '127.0.0.1:9' },
    code: /CLI_PATH_UNWRITABLE/,
  },
  {
    name: 'load-history without its folder',
    args: () => ['load-history', '--data', '/nonexistent'],
    code: /CLI_PATH_NOT_FOUND/,
  },
  {
    name: 'generate into /proc',
    args: () => ['generate', '--out', '/proc/x/olist'],
    code: /CLI_PATH_UNWRITABLE/,
  },
  {
    name: 'produce with a bad broker list',
    args: () => ['produce'],
    env: { KAFKA_BROKERS: ':' },
    code: /CLI_BROKERS_INVALID/,
  },
];
