/**
 * What one failure of an actor leads to, for a failing handler and a failing start-up alike:
 * the strategy's directive (restart when the strategy itself throws; restart rather than
 * resume when there is no incarnation to resume), escalation once the restart budget is
 * spent, and the one log line the failure gets.
 */
import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import type { Directive, RestartBudget, SupervisionStrategy } from './supervision.js';

/** A failure while handling a message, or while an incarnation was being built. */
export type FailedWhile = 'handling' | 'starting';

export interface FailureContext {
  id: string;
  kind: string;
  strategy: SupervisionStrategy;
  budget: RestartBudget;
  now: number;
  log: Logger;
}

export function directiveAfter(cause: unknown, during: FailedWhile, context: FailureContext): Directive {
  const { id, strategy, log } = context;
  let directive: Directive;
  try {
    directive = strategy.decide(cause);
  } catch (error) {
    log.error({ err: error }, `supervision strategy of ${context.kind} threw; restarting ${id}`);
    directive = 'restart';
  }
  if (directive === 'resume' && during === 'starting') directive = 'restart';
  const what = `${id} ${during === 'starting' ? 'could not start' : 'failed'}: ${describeError(cause)}`;
  if (directive === 'restart' && !context.budget.tryTake(context.now)) {
    log.error(
      { err: cause, restarts: strategy.budget.maxRestarts, windowMs: strategy.budget.windowMs },
      `${what}; restart budget spent, escalating`,
    );
    return 'escalate';
  }
  log.warn({ err: cause, directive }, `${what}; ${directive}`);
  return directive;
}
