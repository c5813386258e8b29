import { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from '../../shared/api/events.js';

/** Services publish here; each transport forwards to its clients. Services know nothing of windows or sockets. */
export class EventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(100);
  }
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.emitter.emit('event', event, payload);
  }
  /** Subscribe to every event; returns an unsubscribe function. */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
