/** The login: the hub's access token (shown by `hearth doctor`), traded for a session. */
import { useState } from 'preact/hooks';
import { login } from '../api';
import { Outcome, useAction } from '../parts/notice';

export function Login({ onIn }: { onIn: () => void }) {
  const [token, setToken] = useState('');
  const action = useAction();
  const submit = (event: Event): void => {
    event.preventDefault();
    void action
      .run(() => login(token.trim()))
      .then((ok) => {
        if (ok) onIn();
      });
  };
  return (
    <main class="login">
      <h1>hearth</h1>
      <form onSubmit={submit}>
        <label for="token">Access token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          required
        />
        <p class="hint">
          Run <code>hearth doctor</code> on the hub as its service user to see the token.
        </p>
        <button type="submit" disabled={action.busy}>
          Log in
        </button>
        <Outcome action={action} />
      </form>
    </main>
  );
}
