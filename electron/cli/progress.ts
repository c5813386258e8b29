/** Progress on stderr, only when it is a terminal, so pipes and CI logs stay clean. */
export function progressReporter(stream: NodeJS.WriteStream) {
  const tty = Boolean(stream.isTTY);
  let shown = false;
  return {
    update(done: number, total: number, message: string) {
      if (!tty) return;
      shown = true;
      stream.write(`\r\x1b[2K[${done}/${total}] ${message.slice(0, 100)}`);
    },
    done() {
      if (tty && shown) stream.write('\r\x1b[2K');
    },
  };
}
