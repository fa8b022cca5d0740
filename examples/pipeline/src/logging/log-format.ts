import { Option } from 'commander';

/** The log formats of the CLI's `--log-format`. */
export const LOG_FORMATS = ['text', 'json'] as const;

/** `text`: one human line per event; `json`: one pino JSON object per line. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * The CLI's global `--log-format text|json` option (environment `ORDERSTREAM_LOG_FORMAT`).
 *
 * @returns the option, default `text`
 */
export function logFormatOption(): Option {
  return new Option('--log-format <format>', 'log lines on stderr: text or json (pino)')
    .choices(LOG_FORMATS)
    .env('ORDERSTREAM_LOG_FORMAT')
    .default('text');
}
