/** The protocol package: the contract both the cloud functions and the SDK import. */
export * from './errors';
export * from './envelope';
export * from './constants';
export * from './common';
export * from './actions';
export * from './calls';
export { callTicketSchema } from './callActions';
