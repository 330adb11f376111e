import { isRecord, own, str, type JsonRecord } from './json-access';

/** An EventBridge event: the bus rule forwards these to the queue, and VEBA's EventBridge processor emits them. */
export interface EventBridgeEnvelope {
  id?: string;
  detailType: string;
  source?: string;
  time?: string;
  detail: JsonRecord;
}

/** The one reading of EventBridge's envelope (`detail-type` and an object `detail`); undefined for anything else. */
export function eventBridgeEnvelope(value: unknown): EventBridgeEnvelope | undefined {
  const detailType = own(value, 'detail-type');
  const detail = own(value, 'detail');
  if (typeof detailType !== 'string' || !isRecord(detail)) return undefined;
  const id = str(own(value, 'id'));
  const source = str(own(value, 'source'));
  const time = str(own(value, 'time'));
  return {
    detailType,
    detail,
    ...(id !== undefined && { id }),
    ...(source !== undefined && { source }),
    ...(time !== undefined && { time }),
  };
}
