import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {extract, pack} from 'tar-stream'

import {loadEntries, loadIndex, loadStream, splitSave} from './image-tar.js'

const dir = mkdtempSync(join(tmpdir(), 'bundle-image-'))
after(() => rmSync(dir, {recursive: true, force: true}))
const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`

/** A `docker save` tar as Docker 20.10 writes it: v1 layer directories, the config, manifest.json. */
function dockerSave(config: string, layers: string[]): NodeJS.ReadableStream {
  const archive = pack()
  layers.forEach((layer, index) => {
    archive.entry({name: `v1-${index}/VERSION`}, '1.0')
    archive.entry({name: `v1-${index}/json`}, '{}')
    archive.entry({name: `v1-${index}/layer.tar`}, layer)
  })
  archive.entry({name: 'cfg.json'}, config)
  archive.entry(
    {name: 'manifest.json'},
    JSON.stringify([{Config: 'cfg.json', RepoTags: null, Layers: layers.map((_, i) => `v1-${i}/layer.tar`)}]),
  )
  archive.entry({name: 'repositories'}, '{}')
  archive.finalize()
  return archive as unknown as NodeJS.ReadableStream
}

describe('image tars', () => {
  it('splits docker save into blobs by digest, storing a shared layer once', async () => {
    const one = await splitSave(dockerSave('config-1', ['base', 'app-1']), dir, 'r/app:1')
    const two = await splitSave(dockerSave('config-2', ['base', 'app-2']), dir, 'r/app:2')
    assert.deepEqual(one, {config: sha('config-1'), layers: [sha('base'), sha('app-1')]})
    assert.equal(two.layers[0], one.layers[0])
    assert.equal(readdirSync(join(dir, 'blobs', 'sha256')).length, 5, 'two configs, three distinct layers')
  })

  it('names the load tar files after their digests, the index last', () => {
    const image = {config: sha('c'), layers: [sha('l1'), sha('l1')]}
    assert.deepEqual(
      loadEntries(image).map((entry) => entry.name),
      [`${sha('l1').slice(7)}/layer.tar`, `${sha('c').slice(7)}.json`],
    )
    assert.deepEqual(loadIndex(image, ['r/app:1'])[0].Layers.length, 2, 'a repeated layer is listed twice, stored once')
  })

  it('streams the load tar back from the blobs', async () => {
    const image = await splitSave(dockerSave('config-3', ['base', 'app-3']), dir, 'r/app:3')
    const reader = extract()
    loadStream(image, ['r/app:3'], dir).pipe(reader)
    const files: Record<string, string> = {}
    for await (const entry of reader) {
      const chunks: Buffer[] = []
      for await (const chunk of entry) chunks.push(chunk as Buffer)
      files[entry.header.name] = Buffer.concat(chunks).toString()
    }
    const [index] = JSON.parse(files['manifest.json'])
    assert.deepEqual(index.RepoTags, ['r/app:3'])
    assert.equal(files[index.Config], 'config-3')
    assert.deepEqual(
      index.Layers.map((layer: string) => files[layer]),
      ['base', 'app-3'],
    )
  })
})
