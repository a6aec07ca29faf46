/*
 * rpcndr.h: the macros that widl-generated interface headers use
 * (MIDL_INTERFACE, BEGIN_INTERFACE, CONST_VTBL, interface ...).
 * COM interfaces are plain structs of function pointers in C and abstract
 * classes without a virtual destructor in C++, so both see the same slots.
 */
#ifndef UMBRA_RPCNDR_H
#define UMBRA_RPCNDR_H

#include <winnt.h>

#ifndef __RPCNDR_H_VERSION__
#define __RPCNDR_H_VERSION__ 500
#endif

#ifndef interface
#define interface struct
#endif

#ifdef __cplusplus
#define MIDL_INTERFACE(x) struct DECLSPEC_NOVTABLE
#else
#define MIDL_INTERFACE(x) struct
#endif
#define BEGIN_INTERFACE
#define END_INTERFACE
#ifdef CONST_VTABLE
#define CONST_VTBL const
#else
#define CONST_VTBL
#endif
#define __RPC_FAR
#define __RPC_API
#define __RPC_USER
#define __RPC_STUB
#define __RPC__in
#define __RPC__out
#define __RPC__inout
#define __RPC__in_opt
#define __RPC__out_opt
#define __RPC__inout_opt
#define __RPC__deref_out
#define __RPC__deref_out_opt
#define __RPC__in_ecount_full(x)
#define __RPC__out_ecount_part(x, y)
#define MIDL_uhyper ULONGLONG
#define small char
#define __MIDL_CONST const
#define midl_user_allocate MIDL_user_allocate
#define midl_user_free MIDL_user_free

#endif
