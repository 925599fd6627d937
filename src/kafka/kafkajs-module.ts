// kafkajs is CommonJS, and Node's ESM loader only sees the exports its lexer can detect
// (Kafka, CompressionTypes, ...), not CompressionCodecs or the error classes. Under Node the
// namespace carries the whole module as `default`; under a bundler it is the module itself.
// Before kafkajs loads: see the module.
import './kafkajs-grouping';
import * as ns from 'kafkajs';

export const kafkajs = ((ns as unknown as { default?: typeof ns }).default ?? ns) as typeof ns;
