'use strict';
// grpc-js Echo server: a peer for our client in tests/Explain.Interop.Tests and a baseline for bench/Explain.Rpc.Bench.
// Usage: node server.js. Binds 127.0.0.1 on a free port, prints "PORT <n>", exits when stdin closes.
// Semantics match tests/Explain.Interop.Tests/Support/EchoService.cs. grpc.health.v1 is served when
// $EXPLAIN_PEER_DESCRIPTORS provides its descriptor (see protos.js).
const grpc = require('@grpc/grpc-js');
const { load } = require('./protos');

const MB = 1024 * 1024;
const { proto } = load({ required: false });

const reply = (req, index) => ({
  message: req.message, index, payload: req.response_size > 0 ? Buffer.alloc(req.response_size) : req.payload,
});

function errorTrailers() {
  const md = new grpc.Metadata();
  md.add('x-error-detail', 'detail');
  md.add('x-error-bin', Buffer.from([0, 1, 2, 255]));
  return md;
}

const echo = {
  UnaryEcho: (call, cb) => cb(null, reply(call.request, 0)),
  ServerStream(call) {
    let i = 0;
    const pump = () => {
      while (i < call.request.count && !call.cancelled) {
        if (!call.write(reply(call.request, i++))) { call.once('drain', pump); return; }
      }
      call.end();
    };
    pump();
  },
  ClientStream(call, cb) {
    const messages = []; let size = 0;
    call.on('data', (r) => { messages.push(r.message); size += r.payload.length; });
    call.on('end', () => cb(null, { message: messages.join(','), index: messages.length, payload: Buffer.from(String(size)) }));
  },
  BidiEcho(call) {
    let index = 0;
    call.on('data', (r) => call.write(reply(r, index++)));
    call.on('end', () => call.end());
  },
  ReturnStatus(call, cb) {
    if (call.request.code === 0) { cb(null, {}); return; }
    cb({ code: call.request.code, details: call.request.message, metadata: errorTrailers() });
  },
  Sleep(call, cb) {
    const timer = setTimeout(() => cb(null, {}), call.request.milliseconds);
    call.on('cancelled', () => { clearTimeout(timer); console.log('CANCELLED sleep'); });
  },
  EchoMetadata(call, cb) {
    const headers = new grpc.Metadata(); const trailers = new grpc.Metadata();
    for (const [key, values] of Object.entries(call.metadata.getMap())) {
      if (!key.startsWith('x-')) continue;
      for (const value of call.metadata.get(key)) (key.endsWith('-bin') ? trailers : headers).add(key, value);
      void values;
    }
    call.sendMetadata(headers);
    cb(null, {}, trailers);
  },
};

const health = { Check: (call, cb) => cb(null, { status: 1 }) };

const server = new grpc.Server({
  'grpc.max_receive_message_length': 16 * MB,
  'grpc.max_send_message_length': 16 * MB,
  // Responses gzip-compressed when the client accepts it, so peers' decompression is exercised too.
  'grpc.default_compression_algorithm': process.env.ECHO_NO_GZIP ? 0 : 2,
});
server.addService(proto.explain.testing.v1.Echo.service, echo);
if (proto.grpc) server.addService(proto.grpc.health.v1.Health.service, health);
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) { console.error(err); process.exit(1); }
  console.log(`PORT ${port}`);
});
process.stdin.resume();
process.stdin.on('end', () => server.tryShutdown(() => process.exit(0)));
