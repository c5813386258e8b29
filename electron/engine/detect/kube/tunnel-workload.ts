import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { milder, tunnelUse } from '../network/tunnel-tools.js';
import { objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';

const base = (s: string) => s.split('/').pop() ?? s;

/** The program a container spec runs: its command's first word, else the image's name (its entrypoint is the tool). */
function programOf(image: string, command: string[], args: string[]): { names: string[]; args: string[] } {
  if (command.length) return { names: [base(command[0]!)], args: [...command.slice(1), ...args] };
  const repo = base(image.replace(/@sha256:[0-9a-f]+$/i, '').replace(/:[^/:]+$/, ''));
  return { names: [repo], args };
}

/** Workloads deployed to run a tunnel or proxy: a chisel or frp client, an ssh reverse forward, a socat relay. */
export const kubeTunnelWorkload: Detector = {
  meta: {
    id: 'kube-tunnel-workload',
    title: 'Kubernetes workload runs a tunnel or proxy',
    strategy: ['ADS-c2-abuse'],
    attack: ['T1572', 'T1090', 'T1071.004', 'T1095', 'T1611', 'T1610'],
    severity: 'medium',
    kind: 'state',
    dataSources: ['Kubernetes API: image, command and args of every container of pod specs and workload templates'],
    goal: "Find workloads whose containers are tunnels into or out of the cluster, as an intruder deploys them for command and control or to reach internal services: tunnelling tools (chisel, ngrok, frp, ligolo, rathole, bore, gost), DNS and ICMP tunnels, ssh clients with remote, dynamic or tun forwards, socat relays (reverse, pivot, an engine socket on a port), SOCKS proxies and VPN agents. The same judgement as the tunnel detector on running processes, one step milder because a workload's command is its purpose.",
    blindSpots: [
      "An image whose entrypoint is a tunnel under another name, with no command in the spec, is judged by the image's name only.",
      'Forwards in a mounted config file (frpc.toml, ssh config) are not read; the tool itself is still reported.',
      'Tunnels started later inside a running pod are seen on the node by the tunnel detector, or through pod exec in the audit log (kube-pod-exec).',
    ],
    falsePositives: [
      'Sanctioned ingress agents and sidecars (cloudflared, tailscale, an ssh bastion, stunnel): VPN agents and loopback socat proxies are low; suppress others by image or namespace with an owner and reason.',
    ],
    response: [
      'Preserve the manifest, then scale the workload to zero or apply a deny-all network policy to its pods; find who created it (kube-manual-change, the audit log).',
      'Read where the tunnel leads (its arguments or config) and search egress logs for that endpoint.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const w of ev.kube ? rootsOf(ev.kube) : []) {
      for (const c of w.template.containers) {
        const prog = programOf(c.image, c.command, c.args);
        const use = tunnelUse(prog.names, prog.args);
        if (!use) continue;
        hits.push(
          workloadHit(w, c, {
            ref: `tunnel:${c.name}:${use.kind}`,
            cause: use.kind,
            summary: `${oneLine(wlabel(w), 160)} container ${oneLine(c.name, 60)} runs ${use.what}: ${oneLine([...c.command, ...c.args].join(' ') || c.image, 160)} (image ${oneLine(c.image, 100)}).`,
            evidence: [
              objectRef(
                ev,
                w,
                `spec.containers[${c.name}] image=${c.image} command=${oneLine([...c.command, ...c.args].join(' '), 300)}`,
              ),
            ],
            severity: milder(use.severity),
            attack: [...use.attack, 'T1610'],
          }),
        );
      }
    }
    return hits;
  },
};
