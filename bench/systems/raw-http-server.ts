// The raw Node HTTP baseline, run as its own process: answers every PUT (after reading its body)
// with a constant version and every GET with a constant 1 KiB value, on a free loopback port.
// Prints `listening <port>` when ready. What Node's HTTP costs with no storage behind it.

import { createServer } from 'node:http';

const VALUE = Buffer.alloc(1024, 120);
const PUT_ANSWER = Buffer.from('{"version":1}');

const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    const body = req.method === 'PUT' ? PUT_ANSWER : VALUE;
    res.writeHead(200, { 'content-type': req.method === 'PUT' ? 'application/json' : 'application/octet-stream', 'content-length': body.byteLength });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address !== null ? address.port : 0}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
