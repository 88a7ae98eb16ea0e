/**
 * Preloaded into a hearth process by a test: on SIGUSR2 the event loop is blocked for the
 * number of milliseconds in $TEST_BLOCK_LOOP_MS (a busy wait, as a runaway computation or a
 * synchronous call that never returns would), so the test can watch the systemd watchdog stop.
 */
process.on('SIGUSR2', () => {
  const until = Date.now() + Number(process.env.TEST_BLOCK_LOOP_MS ?? '2000');
  while (Date.now() < until) {
    // blocked
  }
});
