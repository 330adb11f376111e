/**
 * aws-local-stepfunctions runs Map states over an array in the state input (ItemsPath) but has no ItemReader,
 * which the Distributed Map uses to read its items from S3. The narrowest stand-in: each Map with an S3 JSON
 * ItemReader gets a Task state in front of it that reads the object (the ItemReader's own Parameters, evaluated
 * by the interpreter) into the execution's context object, and the Map reads its items from there
 * (`ItemsPath: $$.ItemReader.<map>`). The state data is untouched (the reader's ResultPath is null), every
 * transition into the Map goes through its reader, and the reader carries the Map's Catch, as a failed read
 * fails the Map on AWS. Any other reader (CSV, manifest, S3 listing) is refused rather than run differently.
 */

type State = Record<string, unknown>;
interface Machine {
  StartAt: string;
  States: Record<string, State>;
}

export const S3_GET_OBJECT = 'arn:aws:states:::s3:getObject';
/** The context field the readers fill; pass the same object as the run's context. */
export const ITEM_READER_CONTEXT = 'ItemReader';

export interface ShimmedMachine {
  definition: Machine;
  /** Reader state name → the Map it feeds. */
  readers: Map<string, string>;
}

export const readerStateName = (mapName: string) => `${mapName} ItemReader (local)`;

function retarget(state: State, from: string, to: string): void {
  if (state.Next === from) state.Next = to;
  if (state.Default === from) state.Default = to;
  for (const list of [state.Catch, state.Choices]) {
    if (Array.isArray(list)) for (const rule of list as State[]) if (rule.Next === from) rule.Next = to;
  }
}

function shimMachine(machine: Machine, readers: Map<string, string>): Machine {
  const states: Record<string, State> = {};
  const here = new Map<string, string>();
  let startAt = machine.StartAt;
  for (const [name, original] of Object.entries(machine.States)) {
    const state: State = structuredClone(original);
    const processor = (state.ItemProcessor ?? state.Iterator) as Machine | undefined;
    if (processor !== undefined)
      state[state.ItemProcessor !== undefined ? 'ItemProcessor' : 'Iterator'] = shimMachine(processor, readers);
    states[name] = state;
    const reader = state.ItemReader as
      | { Resource?: string; ReaderConfig?: { InputType?: string }; Parameters?: unknown }
      | undefined;
    if (state.Type !== 'Map' || reader === undefined) continue;
    if (reader.Resource !== S3_GET_OBJECT || (reader.ReaderConfig?.InputType ?? 'JSON') !== 'JSON') {
      throw new Error(`Map state ${name}: only an S3 JSON ItemReader runs locally, not ${JSON.stringify(reader)}`);
    }
    const readerName = readerStateName(name);
    readers.set(readerName, name);
    delete state.ItemReader;
    if (!/^\w+$/.test(name))
      throw new Error(`Map state ${JSON.stringify(name)}: the local ItemReader needs a name of letters, digits and _`);
    here.set(readerName, name);
    state.ItemsPath = `$$.${ITEM_READER_CONTEXT}.${name}`;
    states[readerName] = {
      Type: 'Task',
      Resource: S3_GET_OBJECT,
      Parameters: reader.Parameters,
      ResultPath: null,
      Next: name,
      ...(state.Catch !== undefined && { Catch: structuredClone(state.Catch) }),
    };
    if (startAt === name) startAt = readerName;
  }
  for (const [readerName, mapName] of here) {
    for (const [name, state] of Object.entries(states)) if (name !== readerName) retarget(state, mapName, readerName);
  }
  return { ...machine, StartAt: startAt, States: states };
}

export function shimItemReaders(definition: Machine): ShimmedMachine {
  const readers = new Map<string, string>();
  return { definition: shimMachine(definition, readers), readers };
}
