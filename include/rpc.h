/*
 * rpc.h: the part of the RPC runtime headers that COM interface headers need.
 * Umbra has no DCE RPC; objects talk over its own sockets (DESIGN.md §4).
 */
#ifndef UMBRA_RPC_H
#define UMBRA_RPC_H

#include <windef.h>

typedef void *RPC_IF_HANDLE;
typedef void *I_RPC_HANDLE;
typedef I_RPC_HANDLE RPC_BINDING_HANDLE;
typedef LONG RPC_STATUS;
#define RPC_ENTRY
#define RPC_S_OK 0
#define RPCRTAPI DECLSPEC_IMPORT

#include <rpcndr.h>

#endif
