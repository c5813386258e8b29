import { ApiClient } from './client.js';
import { httpTransport } from './http-transport.js';
import { ipcTransport } from './ipc-transport.js';

/** Picks the transport at start-up: the preload bridge in the desktop app, HTTP in a browser. */
export function createClient(): ApiClient {
  return new ApiClient(window.stowaway ? ipcTransport(window.stowaway) : httpTransport());
}

export { ApiClient, ApiError } from './client.js';
