/**
 * Sends terminal input in order. Each keystroke is an operation call; concurrent calls can overtake each other on
 * the way to the engine, so at most one is in flight and keystrokes typed meanwhile are joined into the next one.
 */
export function createInputQueue(send: (data: string) => Promise<unknown>, maxChunk = 60_000): (data: string) => void {
  let pending = '';
  let busy = false;
  const pump = () => {
    if (busy || !pending) return;
    const chunk = pending.slice(0, maxChunk);
    pending = pending.slice(chunk.length);
    busy = true;
    void send(chunk)
      .catch(() => undefined)
      .finally(() => {
        busy = false;
        pump();
      });
  };
  return (data: string) => {
    // A paste bigger than a few MB is not typing; drop the excess rather than hold it in memory.
    if (pending.length > 4_000_000) return;
    pending += data;
    pump();
  };
}
