/**
 * One catalogue of coded errors. Every error a user can cause is a GenforgeError with a stable code and a
 * one-line message that says what was expected, what was found and what to do. The CLI prints the message
 * (no stack trace) and exits non-zero; library callers can switch on `code`.
 */

export const ERROR_CODES = {
  /** A data file is not what its name or flag says (bad magic, wrong dtype, truncated, gzip, HTML, ...). */
  BAD_DATA_FILE: 'E_BAD_DATA_FILE',
  /** A dataset name or path that cannot be resolved. */
  DATASET_NOT_FOUND: 'E_DATASET_NOT_FOUND',
  /** Images and labels that do not go together (counts, classes). */
  DATA_MISMATCH: 'E_DATA_MISMATCH',
  /** A folder without a single readable image, or unreadable images with --strict. */
  NO_IMAGES: 'E_NO_IMAGES',
  /** A flag or config value outside what is allowed. */
  BAD_CONFIG: 'E_BAD_CONFIG',
  /** A run folder or checkpoint that is missing, incomplete or from an incompatible version. */
  BAD_RUN: 'E_BAD_RUN',
  /** A backend that was asked for but cannot be used here. */
  BACKEND_UNAVAILABLE: 'E_BACKEND_UNAVAILABLE',
  /** An output path that cannot be written (exists and is not empty, parent missing, ...). */
  BAD_OUTPUT: 'E_BAD_OUTPUT',
  /** Numeric input that a metric cannot work with (NaN features, too few samples, ...). */
  BAD_NUMERIC_INPUT: 'E_BAD_NUMERIC_INPUT',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export class GenforgeError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GenforgeError';
    this.code = code;
  }
}

export function isGenforgeError(e: unknown): e is GenforgeError {
  return e instanceof GenforgeError;
}

/** `1024` → `1,024`: byte and item counts in messages read better grouped. */
export function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}
