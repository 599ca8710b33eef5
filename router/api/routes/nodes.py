"""Node search and details."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from router.api.deps import AnyRole, NetworkDep
from router.api.docs import AUTH, NODE_EXAMPLE, page_example, responses
from router.api.schemas import NodeDetailOut, NodeOut, Page
from router.network.model import NodeKind
from router.services import network as network_service

router = APIRouter(tags=["network"])


@router.get(
    "/nodes",
    response_model=Page[NodeOut],
    summary="Search nodes by id, UN/LOCODE, English or Chinese name",
    description="Case-insensitive; exact matches first, then prefixes, then substrings. "
    "Without `q`, lists every node. Paginated with `limit` and `offset`.",
    responses=responses(page_example(NODE_EXAMPLE), *AUTH),
)
def search_nodes(
    _: AnyRole,
    loaded: NetworkDep,
    q: Annotated[
        str | None, Query(max_length=100, description="Search text", examples=["yantian"])
    ] = None,
    kind: NodeKind | None = None,
    jurisdiction: Annotated[str | None, Query(max_length=16, examples=["CN"])] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> dict[str, Any]:
    return network_service.search_nodes(loaded.network, q, kind, jurisdiction, limit, offset)


@router.get(
    "/nodes/{node_id}",
    response_model=NodeDetailOut,
    summary="One node: properties, customs operations, links",
    description="404 lists close matches when the id is unknown.",
    responses=responses(
        {**NODE_EXAMPLE, "outgoing_links": 5, "incoming_links": 4, "modes": ["deepsea", "truck"]},
        *AUTH,
        404,
    ),
)
def get_node(
    _: AnyRole,
    loaded: NetworkDep,
    node_id: Annotated[str, Path(max_length=100, examples=["CNYTN"])],
) -> dict[str, Any]:
    return network_service.node_detail(loaded.network, node_id)
