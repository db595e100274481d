import { describe, expect, it } from 'vitest';
import { PRESETS, presetSettings, recommendedPreset, toRunSettings } from '../../../src/renderer/src/lib/presets';
import { runSettingsInputSchema } from '../../../src/main/store/run-settings-schema';
import * as v from 'valibot';

describe('training presets', () => {
  it('recommend more passes for smaller datasets', () => {
    expect(recommendedPreset(40)).toBe('thorough');
    expect(recommendedPreset(2_000)).toBe('balanced');
    expect(recommendedPreset(100_000)).toBe('quick');
  });

  it('give settings the API accepts, leaving steps and warm-up unset when not chosen', () => {
    for (const preset of PRESETS) {
      const settings = toRunSettings({ ...presetSettings(preset.id), device: 'auto', targets: null });
      expect(v.safeParse(runSettingsInputSchema, settings).success).toBe(true);
    }
    expect(toRunSettings({ ...presetSettings('quick'), device: 'cpu', targets: null })).not.toHaveProperty('steps');
    expect(toRunSettings({ ...presetSettings('thorough'), device: 'cpu', targets: null, steps: 5 })).toMatchObject({ steps: 5, warmup: 10, epochs: 3 });
  });

  it('send the chosen modules, and none when every module is meant', () => {
    expect(toRunSettings({ ...presetSettings('quick'), device: 'cpu', targets: null })).not.toHaveProperty('targets');
    const settings = toRunSettings({ ...presetSettings('quick'), device: 'cpu', targets: ['q_proj', 'v_proj'] });
    expect(settings.targets).toEqual(['q_proj', 'v_proj']);
    expect(v.safeParse(runSettingsInputSchema, settings).success).toBe(true);
  });
});
