/** The coded error a promise ends with, or undefined when it resolved: for asserting on a command's outcome. */
import type { HearthError } from '../../src/errors.js';

export async function failureOf(promise: Promise<unknown>): Promise<HearthError | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error as HearthError;
  }
}
