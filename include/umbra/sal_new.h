/*
 * umbra/sal_new.h: the source annotations that are safe to define in every
 * Windows program (windows.h includes this file; sal.h adds __in and __out):
 * the new SAL 2 names and the old ones that clash with nothing in glibc or
 * libstdc++.  All empty.
 */
#ifndef UMBRA_SAL_NEW_H
#define UMBRA_SAL_NEW_H

/* SAL 2 */
#define _In_
#define _In_opt_
#define _In_z_
#define _In_opt_z_
#define _In_reads_(n)
#define _In_reads_opt_(n)
#define _In_reads_bytes_(n)
#define _In_reads_bytes_opt_(n)
#define _In_reads_z_(n)
#define _In_reads_or_z_(n)
#define _In_range_(lo, hi)
#define _In_count_(n)
#define _In_bytecount_(n)
#define _Out_
#define _Out_opt_
#define _Out_writes_(n)
#define _Out_writes_opt_(n)
#define _Out_writes_z_(n)
#define _Out_writes_bytes_(n)
#define _Out_writes_bytes_opt_(n)
#define _Out_writes_to_(n, c)
#define _Out_writes_to_opt_(n, c)
#define _Out_writes_all_(n)
#define _Out_writes_bytes_to_(n, c)
#define _Out_cap_(n)
#define _Out_z_cap_(n)
#define _Out_range_(lo, hi)
#define _Inout_
#define _Inout_opt_
#define _Inout_z_
#define _Inout_updates_(n)
#define _Inout_updates_opt_(n)
#define _Inout_updates_z_(n)
#define _Inout_updates_bytes_(n)
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_opt_result_maybenull_
#define _Outptr_result_z_
#define _Outptr_result_buffer_(n)
#define _Outptr_result_bytebuffer_(n)
#define _COM_Outptr_
#define _COM_Outptr_opt_
#define _COM_Outptr_result_maybenull_
#define _Deref_out_
#define _Deref_out_opt_
#define _Deref_out_z_
#define _Ret_
#define _Ret_z_
#define _Ret_opt_
#define _Ret_maybenull_
#define _Ret_notnull_
#define _Ret_writes_(n)
#define _Ret_writes_bytes_(n)
#define _Result_nullonfailure_
#define _Check_return_
#define _Must_inspect_result_
#define _Success_(expr)
#define _Return_type_success_(expr)
#define _Printf_format_string_
#define _Scanf_format_string_
#define _Null_terminated_
#define _NullNull_terminated_
#define _Field_size_(n)
#define _Field_size_opt_(n)
#define _Field_size_bytes_(n)
#define _Field_size_bytes_opt_(n)
#define _Field_z_
#define _Field_range_(lo, hi)
#define _Reserved_
#define _Pre_
#define _Post_
#define _Pre_z_
#define _Pre_valid_
#define _Pre_notnull_
#define _Pre_maybenull_
#define _Post_z_
#define _Post_valid_
#define _Post_invalid_
#define _Post_null_
#define _Post_notnull_
#define _Post_maybenull_
#define _Post_satisfies_(expr)
#define _Pre_satisfies_(expr)
#define _Notnull_
#define _Maybenull_
#define _Valid_
#define _Use_decl_annotations_
#define _Always_(anno)
#define _When_(expr, anno)
#define _At_(target, anno)
#define _At_buffer_(target, i, n, anno)
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Acquires_lock_(lock)
#define _Releases_lock_(lock)
#define _Requires_lock_held_(lock)
#define _Guarded_by_(lock)
#define _Analysis_assume_(expr)
#define _Analysis_noreturn_
#define _Function_class_(name)
#define _IRQL_requires_(level)
#define _IRQL_requires_max_(level)
#define _Struct_size_bytes_(n)
#define _Strict_type_match_
#define _Literal_
#define _Points_to_data_
#define _Deref_in_range_(lo, hi)
#define _Deref_out_range_(lo, hi)
#define _Deref_ret_range_(lo, hi)
#define _Readable_bytes_(n)
#define _Writable_bytes_(n)
#define _Readable_elements_(n)
#define _Writable_elements_(n)

/* SAL 1, except __in and __out (sal.h) */
#define __inout
#define __in_opt
#define __out_opt
#define __inout_opt
#define __in_z
#define __in_opt_z
#define __out_z
#define __inout_z
#define __in_ecount(n)
#define __in_ecount_opt(n)
#define __in_bcount(n)
#define __in_bcount_opt(n)
#define __in_ecount_z(n)
#define __out_ecount(n)
#define __out_ecount_opt(n)
#define __out_bcount(n)
#define __out_bcount_opt(n)
#define __out_ecount_z(n)
#define __out_ecount_part(n, c)
#define __out_ecount_part_opt(n, c)
#define __out_bcount_part(n, c)
#define __out_bcount_part_opt(n, c)
#define __out_ecount_full(n)
#define __out_bcount_full(n)
#define __inout_ecount(n)
#define __inout_bcount(n)
#define __inout_ecount_opt(n)
#define __inout_bcount_opt(n)
#define __deref_in
#define __deref_out
#define __deref_out_opt
#define __deref_opt_out
#define __deref_out_ecount(n)
#define __deref_out_bcount(n)
#define __deref_inout
#define __deref_inout_opt
#define __checkReturn
#define __reserved
#define __nullterminated
#define __nullnullterminated
#define __field_ecount(n)
#define __field_ecount_opt(n)
#define __field_bcount(n)
#define __field_bcount_opt(n)
#define __out_xcount(n)
#define __in_xcount(n)
#define __typefix(t)
#define __format_string
#define __notnull
#define __maybenull
#define __readonly
#define __fallthrough
#define __analysis_assume(expr)
#define __drv_allocatesMem(kind)
#define __drv_freesMem(kind)
#define __drv_aliasesMem
#define __drv_when(cond, anno)
#define __drv_preferredFunction(f, why)

#endif
