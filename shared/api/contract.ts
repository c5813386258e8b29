import { z } from 'zod';
import { coreOps } from './core.js';
import { caseOps } from './cases.js';
import { engineOps } from './engines.js';
import { investigateOps } from './investigate.js';
import { investigateNetworkOps } from './investigate-network.js';
import { timelineOps } from './timeline.js';
import { terminalOps } from './terminal.js';
import { scanOps } from './scan.js';
import { detectorOps } from './detectors.js';
import { respondOps } from './respond.js';
import { kubeCollectOps } from './kube-collect.js';

/**
 * The one contract between backend and UI. Each service adds its operations here; both transports
 * and both clients are typed from this object, and every call is validated against it on both sides.
 */
export const contract = {
  ...coreOps,
  ...caseOps,
  ...engineOps,
  ...investigateOps,
  ...investigateNetworkOps,
  ...timelineOps,
  ...terminalOps,
  ...scanOps,
  ...detectorOps,
  ...respondOps,
  ...kubeCollectOps,
};

export type Contract = typeof contract;
export type OpName = keyof Contract;
export type OpInput<K extends OpName> = z.input<Contract[K]['input']>;
export type OpOutput<K extends OpName> = z.output<Contract[K]['output']>;
export const OP_NAMES = Object.keys(contract) as OpName[];
export const isOpName = (name: string): name is OpName => Object.prototype.hasOwnProperty.call(contract, name);

/** The envelope both transports use: errors are data, never thrown across the boundary. */
export type Envelope<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string; details?: unknown } };
