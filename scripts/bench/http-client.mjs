// A keep-alive HTTP GET that reads the whole body: the client side of the gateway rows.
import http from 'node:http';

export function httpGetter(url, concurrency) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  return () =>
    new Promise((resolve, reject) => {
      http
        .get(url, { agent }, (response) => {
          response.resume();
          response.on('end', () =>
            response.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`)),
          );
        })
        .on('error', reject);
    });
}
