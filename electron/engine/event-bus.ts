import { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from '@shared/api/events.js';

/** Services publish here; each transport forwards to its clients. Services know nothing of windows or sockets. */
export class EventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(100);
  }
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.emitter.emit('event', event, payload);
  }
  /**
   * Clients a transport counts (WebSocket pages). Undefined while no transport counts them (the desktop window is
   * always there), so services that end work nobody watches only do so where clients can vanish.
   */
  private clients: number | undefined;
  /** A transport that can lose its clients calls this once, before its first client arrives. */
  countClients(): void {
    this.clients ??= 0;
  }
  /** One client arrived; returns its departure. */
  clientJoined(): () => void {
    this.clients = (this.clients ?? 0) + 1;
    let gone = false;
    return () => {
      if (gone) return;
      gone = true;
      this.clients = Math.max(0, (this.clients ?? 1) - 1);
    };
  }
  clientCount(): number | undefined {
    return this.clients;
  }
  /** Subscribe to every event; returns an unsubscribe function. */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
