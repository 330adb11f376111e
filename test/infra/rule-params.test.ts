import { Template } from 'aws-cdk-lib/assertions';
import { afterEach, describe, expect, it } from 'vitest';
import { ruleParamsEnv } from '../../functions/shared/env';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import { HyperauditConfigSchema } from '../../infra/config';
import { buildStack } from './build-stack';

const PARAMS = { 'esxi.patch-level': { minBuild: 24859861 } };

/** Environment variables of every Lambda function in the template, by logical id. */
function functionEnvironments(t: Template): Record<string, Record<string, string>> {
  return Object.fromEntries(
    Object.entries(t.findResources('AWS::Lambda::Function')).map(([id, r]) => [
      id,
      (r.Properties as { Environment?: { Variables?: Record<string, string> } }).Environment?.Variables ?? {},
    ]),
  );
}

describe('rule params from cdk context (hyperaudit:params)', () => {
  afterEach(() => {
    delete process.env.RULE_PARAMS;
  });

  it('reads the params from -c JSON text and from a cdk.json object alike', () => {
    expect(HyperauditConfigSchema.parse({ params: JSON.stringify(PARAMS) }).params).toEqual(PARAMS);
    expect(HyperauditConfigSchema.parse({ params: PARAMS }).params).toEqual(PARAMS);
  });

  it('gives every function that loads the rules the params, and no other function', () => {
    const envs = Object.values(
      functionEnvironments(Template.fromStack(buildStack({ 'hyperaudit:params': JSON.stringify(PARAMS) }).stack)),
    );
    const withRules = envs.filter((e) => e.RULES_DIR !== undefined);
    // audit, evaluate, report and plan load rules.
    expect(withRules.length).toBeGreaterThanOrEqual(3);
    for (const env of withRules) expect(JSON.parse(env.RULE_PARAMS ?? 'null')).toEqual(PARAMS);
    for (const env of envs.filter((e) => e.RULES_DIR === undefined)) expect(env.RULE_PARAMS).toBeUndefined();
  });

  it('sets no params when the context has none', () => {
    const envs = Object.values(functionEnvironments(Template.fromStack(buildStack().stack)));
    for (const env of envs) expect(env.RULE_PARAMS).toBeUndefined();
  });

  it('fails the synth on an unknown rule, an unknown param or a value of the wrong type, naming the key', () => {
    expect(() => buildStack({ 'hyperaudit:params': { 'no.such-rule': { x: 1 } } })).toThrow(
      /hyperaudit:params: params: no rule "no\.such-rule"/,
    );
    expect(() => buildStack({ 'hyperaudit:params': { 'esxi.patch-level': { maxBuild: 1 } } })).toThrow(
      /hyperaudit:params: .*rule "esxi\.patch-level" has no param "maxBuild" \(its params: minBuild/,
    );
    expect(() => buildStack({ 'hyperaudit:params': { 'esxi.patch-level': { minBuild: 'latest' } } })).toThrow(
      /hyperaudit:params: .*esxi\.patch-level\.minBuild needs a number like 24674464, got "latest"/,
    );
  });

  it('fails the synth on params that are not JSON or not a map of rule id to params', () => {
    expect(() => buildStack({ 'hyperaudit:params': '{"esxi.patch-level":' })).toThrow(
      /hyperaudit:params: not valid JSON/,
    );
    expect(() => buildStack({ 'hyperaudit:params': { 'esxi.patch-level': 5 } })).toThrow(/hyperaudit:params/);
  });

  it('fails the synth when the params would not fit the Lambda environment', () => {
    const huge = { 'esxi.patch-level': { minBuildRelease: 'x'.repeat(3000) } };
    expect(() => buildStack({ 'hyperaudit:params': huge })).toThrow(/hyperaudit:params: .*bytes as JSON/);
  });

  it('is what the deployed functions load the rules with', () => {
    process.env.RULE_PARAMS = JSON.stringify(PARAMS);
    const rule = loadRules(DEFAULT_RULES_DIR, ruleParamsEnv()).find((r) => r.id === 'esxi.patch-level');
    expect(rule?.params?.minBuild).toBe(24859861);
    expect(rule?.title).toContain('24859861');
    process.env.RULE_PARAMS = '{"esxi.patch-level": {"minBuild": {}}}';
    expect(() => ruleParamsEnv()).toThrow(/RULE_PARAMS: esxi\.patch-level\.minBuild/);
  });
});
