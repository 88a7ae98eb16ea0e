/**
 * Exponential backoff with jitter, capped: the delay before retry `attempt` (0-based) doubles
 * from `minMs` up to `maxMs`, and is drawn from its upper half ("equal jitter"), so that many
 * hubs (or radios, or actors) that failed together do not retry together. The one backoff of
 * the hub: broker reconnects, breaker probes, radio restarts and actor restarts.
 */
export function backoffDelay(minMs: number, maxMs: number, attempt: number, random: () => number = Math.random): number {
  const full = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(full / 2 + (full / 2) * random());
}
