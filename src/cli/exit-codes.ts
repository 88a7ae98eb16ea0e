/** Process exit codes (sysexits where one fits, so systemd units can tell them apart). */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  /** EX_CONFIG: the configuration is invalid; restarting will not help. */
  Config: 78,
} as const;
