import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable, Writable } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * `pods/exec` over WebSocket as kube-apiserver serves it: the channel protocols v5.channel.k8s.io and
 * v4.channel.k8s.io (the first byte of each binary frame is the stream: 0 stdin, 1 stdout, 2 stderr, 3 status,
 * 4 resize; v5 adds 255 to close a stream), and the status frame at the end (Success, or NonZeroExitCode with the
 * exit code as a cause). The command itself is run by a runner the test gives, for real.
 */

export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  tty: boolean;
  stdin: boolean;
}

/** A command running on behalf of the fake server: its output streams, its input, and how it ended. */
export interface ExecProcess {
  stdout: Readable;
  stderr?: Readable;
  stdin?: Writable;
  resize?(cols: number, rows: number): void;
  exit: Promise<number>;
}

export type ExecRunner = (req: ExecRequest) => Promise<ExecProcess>;

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export function execRequest(namespace: string, pod: string, q: URLSearchParams): ExecRequest {
  const flag = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
  return {
    namespace,
    pod,
    container: q.get('container') ?? '',
    command: q.getAll('command'),
    tty: flag('tty'),
    stdin: flag('stdin'),
  };
}

/** Completes the upgrade and serves one exec on the socket. */
export function serveExec(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  exec: ExecRequest,
  runner: ExecRunner,
): void {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => EXEC_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  wss.handleUpgrade(req, socket, head, (ws) => {
    void run(ws, exec, runner).finally(() => wss.close());
  });
}

async function run(ws: WebSocket, exec: ExecRequest, runner: ExecRunner): Promise<void> {
  const send = (stream: number, data: Buffer | string) => {
    if (ws.readyState === ws.OPEN)
      ws.send(Buffer.concat([Buffer.from([stream]), Buffer.isBuffer(data) ? data : Buffer.from(data)]));
  };
  // Frames that arrive while the command is being started are held, as the kubelet's stream buffers them.
  const early: Buffer[] = [];
  let onFrame = (data: Buffer) => void early.push(data);
  ws.on('message', (data: Buffer) => onFrame(data));
  let proc: ExecProcess;
  try {
    proc = await runner(exec);
  } catch (e) {
    send(
      3,
      JSON.stringify({
        metadata: {},
        status: 'Failure',
        message: String((e as Error).message),
        reason: 'InternalError',
        code: 500,
      }),
    );
    ws.close(1000);
    return;
  }
  onFrame = (data: Buffer) => {
    const stream = data[0];
    const body = data.subarray(1);
    if (stream === 0) proc.stdin?.write(body);
    else if (stream === 4) {
      try {
        const size = JSON.parse(body.toString('utf8')) as { Width?: number; Height?: number };
        if (size.Width && size.Height) proc.resize?.(size.Width, size.Height);
      } catch {
        // A malformed resize frame is ignored, as the API server ignores it.
      }
    } else if (stream === 255 && body[0] === 0) proc.stdin?.end();
  };
  for (const f of early.splice(0)) onFrame(f);
  ws.on('close', () => proc.stdin?.end());
  const drained = Promise.all([
    new Promise<void>((r) => {
      proc.stdout.on('data', (c: Buffer) => send(1, c));
      proc.stdout.on('end', r);
      proc.stdout.on('close', r);
    }),
    proc.stderr
      ? new Promise<void>((r) => {
          proc.stderr!.on('data', (c: Buffer) => send(2, c));
          proc.stderr!.on('end', r);
          proc.stderr!.on('close', r);
        })
      : Promise.resolve(),
  ]);
  const code = await proc.exit;
  await Promise.race([drained, new Promise((r) => setTimeout(r, 2000))]);
  const cmd = exec.command.join(' ');
  send(
    3,
    JSON.stringify(
      code === 0
        ? { metadata: {}, status: 'Success' }
        : {
            metadata: {},
            status: 'Failure',
            message: `command terminated with non-zero exit code: error executing command [${cmd}], exit code ${code}`,
            reason: 'NonZeroExitCode',
            details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
          },
    ),
  );
  ws.close(1000);
}
