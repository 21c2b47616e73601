/** Every refusal of an air-gapped bundle: one line, a hint and its own code. */
import {DiscodeError} from '../errors.js'

export class BundleError extends DiscodeError {}
