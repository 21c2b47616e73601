import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'
import {writeKeyPair} from '../../feed/keys.js'

export default class FeedKeygen extends DiscodeCommand {
  static override summary = 'Create the ed25519 key pair that signs your release feed'
  static override description = `Writes DIR/feed.key (the private key, PKCS8 PEM, mode 0600: keep it secret, it is what makes customers trust your feed) and DIR/feed.pub (the public key as one base64 line, 0644).
Put the public key in your recipe as feedKey: discode then requires the feed to be signed with \`discode feed sign\`. An existing feed.key is never replaced without --force: recipes that trust its public key would refuse feeds signed with a new one.`

  static override examples = [
    {description: 'Create the key pair in ./keys', command: '<%= config.bin %> feed keygen --out ./keys'},
    {
      description: 'Replace an existing key pair (every recipe must then get the new feedKey)',
      command: '<%= config.bin %> feed keygen --out ./keys --force',
    },
  ]

  static override flags = {
    out: Flags.directory({char: 'o', description: 'Directory to write feed.key and feed.pub in (created if missing)', required: true}),
    force: Flags.boolean({description: 'Replace an existing feed.key'}),
  }

  async run() {
    const {flags} = await this.parse(FeedKeygen)
    const written = writeKeyPair(flags.out, {force: flags.force})
    const feedKey = `feedKey: ${written.publicKey}`
    this.log(`Private key: ${written.privateKeyPath} (keep it secret)`)
    this.log(`Public key:  ${written.publicKeyPath}`)
    this.log('Add this line to your recipe.yml:')
    this.log(`  ${feedKey}`)
    return {...written, feedKey}
  }
}
