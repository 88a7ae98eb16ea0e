/** The Z-Wave S2 questions during an inclusion: which security classes to grant, and the device's PIN (the DSK's first five digits). */
import { useState } from 'preact/hooks';
import { request } from '../api';
import { promptAnswered, type ZWavePrompt } from '../live';
import { Outcome, useAction } from './notice';

export function ZWavePromptForm({ prompt }: { prompt: ZWavePrompt }) {
  return prompt.kind === 'grant' ? <GrantForm data={prompt.data} /> : <DskForm data={prompt.data} />;
}

function GrantForm({ data }: { data: Record<string, unknown> }) {
  const requested = Array.isArray(data.requested_classes) ? data.requested_classes.map(String) : [];
  const [granted, setGranted] = useState<string[]>(requested);
  const action = useAction();
  const answer = async (classes: string[]): Promise<void> => {
    await request('zwave/grant_security', { securityClasses: classes, clientSideAuth: data.client_side_auth === true });
    promptAnswered();
  };
  return (
    <form
      class="prompt"
      aria-labelledby="grant-title"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(() => answer(granted));
      }}
    >
      <h2 id="grant-title">A Z-Wave device asks for security</h2>
      <fieldset>
        <legend>Grant these security classes</legend>
        {requested.map((name) => (
          <label key={name} class="check">
            <input
              type="checkbox"
              name={name}
              checked={granted.includes(name)}
              onChange={(e) => setGranted(e.currentTarget.checked ? [...granted, name] : granted.filter((known) => known !== name))}
            />{' '}
            {name.replace(/_/g, ' ')}
          </label>
        ))}
      </fieldset>
      <p class="row">
        <button type="submit" disabled={action.busy}>
          Grant
        </button>
        <button type="button" disabled={action.busy} onClick={() => void action.run(() => answer([]))}>
          Decline (include without security)
        </button>
      </p>
      <Outcome action={action} />
    </form>
  );
}

function DskForm({ data }: { data: Record<string, unknown> }) {
  const dsk = typeof data.dsk === 'string' ? data.dsk : '';
  const [pin, setPin] = useState('');
  const action = useAction();
  const answer = async (payload: Record<string, unknown>): Promise<void> => {
    await request('zwave/validate_dsk', payload);
    promptAnswered();
  };
  return (
    <form
      class="prompt"
      aria-labelledby="dsk-title"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(() => answer({ pin }));
      }}
    >
      <h2 id="dsk-title">Enter the device's PIN</h2>
      <p>
        The device's key (DSK) is <code class="dsk">{`_____${dsk.replace(/^-?\d{0,5}/, '')}`}</code>. Type the five digits printed first on
        the device or its box (underlined, or beside the QR code).
      </p>
      <label for="dsk-pin">PIN</label>
      <input
        id="dsk-pin"
        name="pin"
        inputMode="numeric"
        pattern="[0-9]{5}"
        maxLength={5}
        autocomplete="off"
        value={pin}
        onInput={(e) => setPin(e.currentTarget.value)}
        required
      />
      <p class="row">
        <button type="submit" disabled={action.busy}>
          Confirm PIN
        </button>
        <button type="button" disabled={action.busy} onClick={() => void action.run(() => answer({}))}>
          The key does not match
        </button>
      </p>
      <Outcome action={action} />
    </form>
  );
}
