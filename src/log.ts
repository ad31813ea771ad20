/**
 * One leveled logger for the whole toolkit. Library code logs through it instead of console.log so that
 * callers (CLI, HTTP server, tests) decide what is shown. Messages go to stderr; stdout stays for data
 * (JSON lines, file paths) that scripts may parse.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

let level: LogLevel = (process.env.GENFORGE_LOG as LogLevel | undefined) ?? 'info';
const stderrSink = (lvl: LogLevel, msg: string): void => {
  const prefix = lvl === 'warn' ? 'warning: ' : lvl === 'error' ? 'error: ' : '';
  process.stderr.write(`${prefix}${msg}\n`);
};
let sink: (level: LogLevel, msg: string) => void = stderrSink;

/** Back to plain lines on stderr. */
export function resetLogSink(): void {
  sink = stderrSink;
}

export function setLogLevel(l: LogLevel): void {
  level = l;
}

export function getLogLevel(): LogLevel {
  return level;
}

/** Replace where log lines go (e.g. to collect them in a test, or to clear a progress bar first). */
export function setLogSink(s: (level: LogLevel, msg: string) => void): void {
  sink = s;
}

function emit(l: LogLevel, msg: string): void {
  if (ORDER[l] >= ORDER[level]) sink(l, msg);
}

export const log: Logger = {
  debug: (m) => emit('debug', m),
  info: (m) => emit('info', m),
  warn: (m) => emit('warn', m),
  error: (m) => emit('error', m),
};
