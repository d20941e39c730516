"""The AI server's request models, written from the AI team's queue contract (CONTRACT.md).

These mirror what the Python AI server validates when it reads the request
queue: default pydantic config (unknown fields are ignored), ``Optional``
fields may be absent or null, a missing required field fails the message.
Defaults are the AI's own (note ``language`` defaults to Chinese).

Written for pydantic 2 (what the AI runs); also loads on pydantic 1.10
(Debian bookworm's python3-pydantic) so CI can fall back to it.
"""

from typing import Dict, List, Optional, Type

from pydantic import BaseModel


class SqsEnvelope(BaseModel):
    taskId: Optional[str] = None
    taskType: str
    payload: dict
    timestamp: Optional[str] = None


class GraphGenerationRequestPayload(BaseModel):
    userId: str
    s3Key: str
    bucket: Optional[str] = None
    chatId: Optional[str] = None
    numClusters: Optional[int] = None
    minClusters: Optional[int] = 3
    maxClusters: Optional[int] = 8
    includeSummary: Optional[bool] = True
    language: Optional[str] = "zh"
    inputType: str = "auto"
    extraS3Keys: List[str] = []


class AddNodeRequestPayload(BaseModel):
    userId: str
    s3Key: str
    bucket: Optional[str] = None
    inputType: str = "auto"
    language: Optional[str] = "zh"
    extraS3Keys: List[str] = []
    # The AI model has these two; we must never send them (no secret in a queue message).
    beBaseUrl: Optional[str] = None
    internalServiceToken: Optional[str] = None


class GraphSummaryRequestPayload(BaseModel):
    userId: str
    graphS3Key: str
    bucket: Optional[str] = None
    chatId: Optional[str] = None
    vectorDbS3Key: Optional[str] = None
    language: Optional[str] = None


REQUEST_PAYLOAD_MODELS: Dict[str, Type[BaseModel]] = {
    "GRAPH_GENERATION_REQUEST": GraphGenerationRequestPayload,
    "ADD_NODE_REQUEST": AddNodeRequestPayload,
    "GRAPH_SUMMARY_REQUEST": GraphSummaryRequestPayload,
}
