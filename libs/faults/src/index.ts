export { classifyFault, type Dependency, type Fault } from './classify-fault';
export { describeFault } from './describe-fault';
