/** Error and success lines, and a hook that runs an action and keeps its outcome for them. */
import { useState } from 'preact/hooks';
import { describeError } from '../api';

export function ErrorLine({ error }: { error: string | undefined }) {
  if (error === undefined) return null;
  return (
    <p class="error" role="alert">
      {error}
    </p>
  );
}

export interface Action {
  busy: boolean;
  error: string | undefined;
  done: string | undefined;
  run: (work: () => Promise<unknown>, done?: string) => Promise<boolean>;
}

/** One action at a time: its error (the hub's coded message) or its success line. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const run = async (work: () => Promise<unknown>, doneText?: string): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      await work();
      setDone(doneText);
      return true;
    } catch (failure) {
      setError(describeError(failure));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, done, run };
}

export function Outcome({ action }: { action: Action }) {
  return (
    <>
      <ErrorLine error={action.error} />
      {action.done === undefined ? null : (
        <p class="done" role="status">
          {action.done}
        </p>
      )}
    </>
  );
}
