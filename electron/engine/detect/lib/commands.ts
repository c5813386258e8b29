/**
 * Command-line patterns shared by several detectors. Each pattern is written against what attackers type,
 * and each is paired with benign look-alikes in the unit tests.
 */

/** A download piped or chained into an interpreter: `curl x | sh`, `wget -O- x | bash`, `wget x -O /tmp/a; sh /tmp/a`. */
export const DOWNLOAD_AND_RUN =
  /\b(curl|wget|fetch|tftp)\b[^|;&\n]*(\|\s*(ba|da|z|k)?sh\b|\|\s*python|\|\s*perl|[;&]+\s*(ba|da|z|k)?sh\s+\S|[;&]+\s*chmod\s+\+?[0-7]*x)/i;

/** Decoding a blob into a shell. */
export const BASE64_TO_SHELL = /base64\s+(-d|--decode)[^|]*\|\s*(ba|da|z|k)?sh\b/i;

/** Reverse-shell idioms. */
export const REVERSE_SHELL_PATTERNS: Array<[RegExp, string]> = [
  [/\b(nc|ncat|netcat|busybox\s+nc)\b.*\s-[a-z]*[ec]\b/i, 'netcat with -e/-c (runs a program on the connection)'],
  [/\bncat\b.*--(sh-)?exec\b/i, 'ncat --exec'],
  [/\/dev\/(tcp|udp)\/[^/\s]+\/\d+/i, 'shell redirected to /dev/tcp'],
  [/\bsocat\b.*\b(exec|system):/i, 'socat EXEC/SYSTEM'],
  // A shell must be one of the pipe's stages: two netcats on a named pipe are a relay (the tunnel detector's case).
  [/\bmkfifo\b(?=.*\|\s*(\S*\/)?(ba|da|z|k|a)?sh\b)(?=.*\b(nc|ncat|netcat)\b)/i, 'named-pipe netcat shell'],
  [/python[0-9.]*\s+-c.*socket.*(dup2|pty\.spawn|subprocess)/i, 'python socket shell'],
  [/perl\s+-e.*socket.*(exec|open)/i, 'perl socket shell'],
  [/\bsh\s+-i\b.*[<>]&/i, 'interactive shell with redirected stdio'],
  [
    /\b(ba|da|z|k|a)?sh\s+-i\b[^|\n]*\|\s*(\S*\/)?(nc|ncat|netcat|socat|telnet|openssl)\b/i,
    'interactive shell piped into a network tool',
  ],
  [
    /\b(nc|ncat|netcat|telnet)\b[^|;&\n]*\|\s*(\S*\/)?(ba|da|z|k|a)?sh(\s+-[a-z]+)*\s*($|[|;&>)'"]|\d>)/i,
    'network tool piped into a shell',
  ],
];

/** Escapes from a container namespace. */
export const NAMESPACE_ESCAPE = /\b(nsenter\s+.*-t\s*1\b|chroot\s+\/host|unshare\s+.*-r)/i;

export const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'busybox']);

/** Miner names and pool protocols. */
export const MINER =
  /\b(xmrig|xmr-stak|minerd|cpuminer|cgminer|bfgminer|ethminer|nbminer|t-rex|lolminer|phoenixminer|kinsing|kdevtmpfsi)\b|stratum\+(tcp|ssl|tls):\/\//i;
