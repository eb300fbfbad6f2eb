import type { ChannelModel } from 'amqplib';

interface MuxInternals {
  _readIncoming?: () => void;
}
interface ConnectionInternals {
  muxer?: MuxInternals;
  stream?: { cork?: () => void; uncork?: () => void };
}

/**
 * Makes amqplib hand the socket everything its channels queued in one turn as a single write. amqplib's muxer
 * writes each frame set (one per publish or ack) to the socket separately: under load that is a system call per
 * message, the largest cost on this machine (measured with `npm run bench:rpc`). Corking the socket around the
 * muxer's pass and uncorking at its end sends the same bytes, in order, at once — without waiting for anything.
 *
 * This reaches into amqplib's internals (pinned by the lockfile): when they are not what we expect, nothing is
 * changed and `false` is returned, so an upgrade degrades to plain amqplib rather than breaking. A test holds the
 * pinned version to `true`.
 */
export function coalesceSocketWrites(model: ChannelModel): boolean {
  const connection = (model as unknown as { connection?: ConnectionInternals }).connection;
  const muxer = connection?.muxer;
  const stream = connection?.stream;
  const readIncoming = muxer?._readIncoming;
  if (!muxer || typeof readIncoming !== 'function' || typeof stream?.cork !== 'function') return false;
  if (typeof stream.uncork !== 'function') return false;
  const cork = stream.cork.bind(stream);
  const uncork = stream.uncork.bind(stream);
  const pass = readIncoming.bind(muxer);
  muxer._readIncoming = () => {
    cork();
    try {
      pass();
    } finally {
      uncork();
    }
  };
  return true;
}
