/**
 * The hub's web API as the page calls it (docs/web-api.md): login and session, the snapshot,
 * bridge requests and device commands. A state-changing call carries the session's CSRF token;
 * every failure becomes an ApiError with the hub's code and message (or a code of the page's
 * own when the hub could not be reached), so the page can show it as it is.
 */

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

let csrf: string | undefined;

/** Called when the hub answers 401: the session ended, the page goes back to the login. */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

interface CodedError {
  code?: unknown;
  message?: unknown;
}

function errorOf(body: unknown, status: number, statusText: string): ApiError {
  const error = (body as { error?: CodedError } | null)?.error;
  if (error !== undefined && typeof error === 'object' && error !== null) {
    const code = typeof error.code === 'string' ? error.code : `HTTP_${status}`;
    const message = typeof error.message === 'string' ? error.message : statusText;
    return new ApiError(code, message, status);
  }
  return new ApiError(`HTTP_${status}`, `the hub answered ${status} ${statusText}`.trim(), status);
}

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf !== undefined) headers['x-csrf-token'] = csrf;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError('HUB_UNREACHABLE', 'The hub did not answer: is it running, and is this the right address?', 0);
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.status === 401 && path !== '/api/login') {
    csrf = undefined;
    onSignedOut();
  }
  if (!response.ok) throw errorOf(parsed, response.status, response.statusText);
  return parsed;
}

/** Resumes a session from its cookie; false when there is none. */
export async function resumeSession(): Promise<boolean> {
  try {
    const answer = (await call('GET', '/api/session')) as { csrf?: string };
    csrf = answer.csrf;
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return false;
    throw error;
  }
}

export async function login(token: string): Promise<void> {
  const answer = (await call('POST', '/api/login', { token })) as { csrf?: string };
  csrf = answer.csrf;
}

export async function logout(): Promise<void> {
  try {
    await call('POST', '/api/logout');
  } finally {
    csrf = undefined;
  }
}

export function snapshot(): Promise<unknown> {
  return call('GET', '/api/snapshot');
}

interface BridgeResponse {
  status?: string;
  data?: unknown;
  error?: CodedError;
}

/** A bridge request (`bridge/request/<name>` over MQTT): resolves with the answer's `data`, throws its coded error. */
export async function request<T = unknown>(name: string, payload: Record<string, unknown> = {}): Promise<T> {
  const answer = (await call('POST', `/api/request/${name}`, payload)) as BridgeResponse | undefined;
  if (answer?.status === 'error') throw errorOf(answer, 200, 'request failed');
  return answer?.data as T;
}

/** A device command (`<device>/set` over MQTT). */
export async function setDevice(id: string, payload: Record<string, unknown>): Promise<void> {
  const answer = (await call('POST', `/api/devices/${encodeURIComponent(id)}/set`, payload)) as BridgeResponse | undefined;
  if (answer?.status === 'error') throw errorOf(answer, 200, 'command failed');
}

/** How a failure reads in the page: the hub's message, with its code. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message;
  return String(error);
}
