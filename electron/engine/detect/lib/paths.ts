/** Paths where nothing legitimate should execute from or hide in: world-writable scratch space and device trees. */
export const SCRATCH_DIRS = ['/tmp', '/var/tmp', '/dev/shm', '/dev', '/run/shm', '/dev/mqueue'];

export const under = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);
export const inScratch = (path: string): boolean => SCRATCH_DIRS.some((d) => under(path, d));

/** A path component that starts with a dot (excluding `.` and `..`), or that is only dots and spaces. */
export function hiddenComponent(path: string): string | undefined {
  return path
    .split('/')
    .find(
      (seg) =>
        (seg.startsWith('.') && seg !== '.' && seg !== '..') ||
        (/^[. ]+$/.test(seg) && seg !== '.' && seg !== '..') ||
        /^\s+$/.test(seg),
    );
}
