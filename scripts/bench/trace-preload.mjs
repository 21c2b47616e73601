// Loaded with `node --import` into the discode commands the benchmark times (update / rollback under
// load), to split discode's own overhead without touching its code: when the process got here (node's
// boot), when the first Docker API request started (everything before is start-up: module loading,
// oclif, reading records), when the last one ended, and when the process exited. Docker calls go over
// http.request to the Docker socket (dockerode / docker-modem); the marks are written as JSON to the
// file named by DISCODE_BENCH_TRACE on exit. Nothing else is changed.
import {writeFileSync} from 'node:fs'
import http from 'node:http'
import {performance} from 'node:perf_hooks'

const file = process.env.DISCODE_BENCH_TRACE
const marks = {preload: performance.now(), firstDockerStart: null, lastDockerEnd: null, dockerCalls: 0, exit: null}

if (file) {
  const request = http.request
  http.request = function (...args) {
    const options = args.find((a) => a && typeof a === 'object' && !(a instanceof URL)) ?? {}
    const req = request.apply(this, args)
    if (options.socketPath) {
      marks.dockerCalls++
      marks.firstDockerStart ??= performance.now()
      req.once('close', () => (marks.lastDockerEnd = performance.now()))
    }
    return req
  }
  process.once('exit', () => {
    marks.exit = performance.now()
    try {
      writeFileSync(file, JSON.stringify(marks))
    } catch {}
  })
}
