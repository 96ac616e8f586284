/**
 * Keeps streaming encryption in constant memory. node:crypto's update() returns a new Buffer for
 * every piece, whose memory lives outside the JavaScript heap; V8 collects such buffers only
 * when that outside memory has grown by tens of megabytes, so a gigabyte stream would hold ~90 MB
 * of dead ciphertext at any time. A minor collection (scavenge) every few megabytes frees them
 * — they die young — in well under a millisecond. The collector is reached the way Jest reaches
 * it (`--expose-gc` set for one lookup, then unset); without it, nothing is collected early.
 * Self-contained (node: imports only) for the sealing worker.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

type Gc = (o?: { type: 'minor' | 'major' }) => void;

let gc: Gc | null | undefined;

function collector(): Gc | null {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as Gc;
    } catch {
      gc = null;
    } finally {
      v8.setFlagsFromString('--no-expose-gc');
    }
  }
  return gc;
}

/** Call with the bytes just produced; scavenges after every `every` bytes. */
export function scavenger(every = 16 << 20): (bytes: number) => void {
  const collect = collector();
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since >= every && collect) {
      since = 0;
      collect({ type: 'minor' });
    }
  };
}
