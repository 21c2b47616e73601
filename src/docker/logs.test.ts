import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {demuxBuffer, frames} from './logs.js'

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text)
  const header = Buffer.alloc(8)
  header[0] = stream
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}

describe('multiplexed logs', () => {
  it("joins the payloads of Docker's multiplexed frames (stdout and stderr alike)", () => {
    assert.equal(demuxBuffer(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n'), frame(1, 'more')])), 'out\nerr\nmore')
    assert.equal(demuxBuffer(Buffer.alloc(0)), '')
  })

  it('tells stdout frames from stderr frames, and stops at a truncated frame header', () => {
    const buffer = Buffer.concat([frame(1, 'a'), frame(2, 'bc'), Buffer.from([1, 0, 0])])
    assert.deepEqual(
      [...frames(buffer)].map((f) => [f.stream, f.data.toString()]),
      [
        [1, 'a'],
        [2, 'bc'],
      ],
    )
  })
})
