export * from './host';
export * from './vm';
export * from './perimeter';
export * from './event';
export * from './entity-state';
export * from './fleet';
export * from './finding';
