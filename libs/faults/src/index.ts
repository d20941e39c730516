export { classifyFault, type Dependency, type Fault } from './classify-fault';
export { describeFault, stackFrames } from './describe-fault';
