//! `#[derive(KeyPart)]` for newtypes over a key type.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields};

pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let message = "`#[derive(KeyPart)]` supports newtypes only: a struct with exactly one field whose type is a key type";
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(&input.ident, message));
    };
    let accessor = match &data.fields {
        Fields::Unnamed(fields) if fields.unnamed.len() == 1 => quote!(0),
        Fields::Named(fields) if fields.named.len() == 1 => {
            let ident = fields.named.first().and_then(|f| f.ident.clone());
            quote!(#ident)
        }
        other => return Err(syn::Error::new_spanned(other, message)),
    };
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics ::tidings::KeyPart for #ident #ty_generics #where_clause {
            fn key_part(&self) -> ::std::borrow::Cow<'_, str> {
                ::tidings::KeyPart::key_part(&self.#accessor)
            }
        }
    })
}
