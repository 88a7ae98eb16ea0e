/** One line of `hearth doctor`: a check, whether it passed, what was found, and the fix. */
export interface CheckResult {
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export const MB = 1024 * 1024;

export function mb(bytes: number): string {
  return bytes >= 10 * 1024 * MB
    ? `${(bytes / (1024 * MB)).toFixed(0)} GB`
    : bytes >= 1024 * MB
      ? `${(bytes / (1024 * MB)).toFixed(1)} GB`
      : `${Math.round(bytes / MB)} MB`;
}
