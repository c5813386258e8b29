import { describe, expect, it } from 'vitest';
import { isLongLived } from '../../../electron/engine/ssh/pool-agent.js';

describe('which Engine API calls hold an ssh channel for long', () => {
  it('streams: live events, followed logs, streamed stats, attach, wait and exec sessions', () => {
    for (const p of [
      '/events',
      '/v1.41/events?filters=%7B%7D',
      '/containers/abc/logs?follow=true&stdout=1',
      '/v1.41/containers/abc/logs?follow=1',
      '/containers/abc/stats',
      '/containers/abc/stats?stream=true',
      '/containers/abc/attach?stream=1',
      '/containers/abc/wait',
      '/exec/e1/start',
    ]) {
      expect(isLongLived(p), p).toBe(true);
    }
  });
  it('requests: bounded event history, plain logs, one-shot stats, inspect, list, changes, archives', () => {
    for (const p of [
      '/events?since=1&until=2',
      '/containers/abc/logs?stdout=1',
      '/containers/abc/logs?follow=false',
      '/containers/abc/stats?stream=false',
      '/v1.41/containers/abc/stats?stream=0',
      '/containers/abc/json',
      '/containers/json?all=1',
      '/containers/abc/changes',
      '/containers/abc/archive?path=%2Fetc',
      '/exec/e1/json',
      '/_ping',
    ]) {
      expect(isLongLived(p), p).toBe(false);
    }
  });
});
