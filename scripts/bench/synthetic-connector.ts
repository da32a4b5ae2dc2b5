// The benchmark connector as a connector module (LGSP_CONNECTOR_MODULES), for sync workers in processes of their own.
import { syntheticConnector } from './synthetic-source.js';

export default syntheticConnector;
