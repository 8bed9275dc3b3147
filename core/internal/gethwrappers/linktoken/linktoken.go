// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package linktoken

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// LinkTokenMetaData contains all meta data concerning the LinkToken contract.
var LinkTokenMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"bytes\",\"name\":\"data\",\"type\":\"bytes\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"decimals\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"symbol\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"data\",\"type\":\"bytes\"}],\"name\":\"transferAndCall\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "LinkToken",
	Bin: "0x6080604052348015600e575f5ffd5b50335f818152602081815260408083206b033b2e3c9fd0803ce80000009081905590519081527fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef910160405180910390a36108628061006c5f395ff3fe608060405234801561000f575f5ffd5b506004361061009b575f3560e01c80634000aea0116100635780634000aea01461015457806370a082311461016757806395d89b4114610186578063a9059cbb146101a9578063dd62ed3e146101bc575f5ffd5b806306fdde031461009f578063095ea7b3146100e357806318160ddd1461010657806323b872dd14610127578063313ce5671461013a575b5f5ffd5b6100cd6040518060400160405280600f81526020016e21b430b4b72634b735902a37b5b2b760891b81525081565b6040516100da91906105ba565b60405180910390f35b6100f66100f136600461060a565b6101e6565b60405190151581526020016100da565b6101196b033b2e3c9fd0803ce800000081565b6040519081526020016100da565b6100f6610135366004610632565b610252565b610142601281565b60405160ff90911681526020016100da565b6100f661016236600461066c565b61035a565b6101196101753660046106ef565b5f6020819052908152604090205481565b6100cd604051806040016040528060048152602001634c494e4b60e01b81525081565b6100f66101b736600461060a565b61046e565b6101196101ca36600461070f565b600160209081525f928352604080842090915290825290205481565b335f8181526001602090815260408083206001600160a01b038716808552925280832085905551919290917f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925906102409086815260200190565b60405180910390a35060015b92915050565b5f826001600160a01b0381161580159061027557506001600160a01b0381163014155b61029a5760405162461bcd60e51b815260040161029190610740565b60405180910390fd5b6001600160a01b0385165f9081526001602090815260408083203384529091529020548381101561030d5760405162461bcd60e51b815260206004820152601d60248201527f4c696e6b546f6b656e3a20616c6c6f77616e63652065786365656465640000006044820152606401610291565b5f1981146103435761031f848261078b565b6001600160a01b0387165f9081526001602090815260408083203384529091529020555b61034e8686866104c2565b50600195945050505050565b5f846001600160a01b0381161580159061037d57506001600160a01b0381163014155b6103995760405162461bcd60e51b815260040161029190610740565b6103a43387876104c2565b856001600160a01b0316336001600160a01b03167fe19260aff97b920c7df27010903aeb9c8d2be5d310a2c67824cf3f15396e4c168787876040516103eb939291906107c6565b60405180910390a36001600160a01b0386163b1561034e57604051635260769b60e11b81526001600160a01b0387169063a4c0ed36906104359033908990899089906004016107e8565b5f604051808303815f87803b15801561044c575f5ffd5b505af115801561045e573d5f5f3e3d5ffd5b5050505050600195945050505050565b5f826001600160a01b0381161580159061049157506001600160a01b0381163014155b6104ad5760405162461bcd60e51b815260040161029190610740565b6104b83385856104c2565b5060019392505050565b6001600160a01b0383165f908152602081905260409020548181101561052a5760405162461bcd60e51b815260206004820152601a60248201527f4c696e6b546f6b656e3a2062616c616e636520746f6f206c6f770000000000006044820152606401610291565b6001600160a01b038085165f90815260208190526040808220858503905591851681529081208054849290610560908490610819565b92505081905550826001600160a01b0316846001600160a01b03167fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef846040516105ac91815260200190565b60405180910390a350505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b80356001600160a01b0381168114610605575f5ffd5b919050565b5f5f6040838503121561061b575f5ffd5b610624836105ef565b946020939093013593505050565b5f5f5f60608486031215610644575f5ffd5b61064d846105ef565b925061065b602085016105ef565b929592945050506040919091013590565b5f5f5f5f6060858703121561067f575f5ffd5b610688856105ef565b935060208501359250604085013567ffffffffffffffff8111156106aa575f5ffd5b8501601f810187136106ba575f5ffd5b803567ffffffffffffffff8111156106d0575f5ffd5b8760208284010111156106e1575f5ffd5b949793965060200194505050565b5f602082840312156106ff575f5ffd5b610708826105ef565b9392505050565b5f5f60408385031215610720575f5ffd5b610729836105ef565b9150610737602084016105ef565b90509250929050565b6020808252601c908201527f4c696e6b546f6b656e3a20696e76616c696420726563697069656e7400000000604082015260600190565b634e487b7160e01b5f52601160045260245ffd5b8181038181111561024c5761024c610777565b81835281816020850137505f828201602090810191909152601f909101601f19169091010190565b838152604060208201525f6107df60408301848661079e565b95945050505050565b60018060a01b0385168152836020820152606060408201525f61080f60608301848661079e565b9695505050505050565b8082018082111561024c5761024c61077756fea26469706673582212201eb9a483510d6edb106331383ccf5b7c17cc6aa2dc9caf8a29ecf48c9d88dfd764736f6c63430008250033",
}

// LinkToken is an auto generated Go binding around an Ethereum contract.
type LinkToken struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *LinkToken) GetABI() abi.ABI {
	return c.abi
}

// NewLinkToken creates a new instance of LinkToken.
func NewLinkToken() *LinkToken {
	parsed, err := LinkTokenMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &LinkToken{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *LinkToken) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function allowance(address , address ) view returns(uint256)
func (linkToken *LinkToken) PackAllowance(arg0 common.Address, arg1 common.Address) []byte {
	enc, err := linkToken.abi.Pack("allowance", arg0, arg1)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function allowance(address , address ) view returns(uint256)
func (linkToken *LinkToken) TryPackAllowance(arg0 common.Address, arg1 common.Address) ([]byte, error) {
	return linkToken.abi.Pack("allowance", arg0, arg1)
}

// UnpackAllowance is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdd62ed3e.
//
// Solidity: function allowance(address , address ) view returns(uint256)
func (linkToken *LinkToken) UnpackAllowance(data []byte) (*big.Int, error) {
	out, err := linkToken.abi.Unpack("allowance", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (linkToken *LinkToken) PackApprove(spender common.Address, value *big.Int) []byte {
	enc, err := linkToken.abi.Pack("approve", spender, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (linkToken *LinkToken) TryPackApprove(spender common.Address, value *big.Int) ([]byte, error) {
	return linkToken.abi.Pack("approve", spender, value)
}

// UnpackApprove is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (linkToken *LinkToken) UnpackApprove(data []byte) (bool, error) {
	out, err := linkToken.abi.Unpack("approve", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (linkToken *LinkToken) PackBalanceOf(arg0 common.Address) []byte {
	enc, err := linkToken.abi.Pack("balanceOf", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (linkToken *LinkToken) TryPackBalanceOf(arg0 common.Address) ([]byte, error) {
	return linkToken.abi.Pack("balanceOf", arg0)
}

// UnpackBalanceOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x70a08231.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (linkToken *LinkToken) UnpackBalanceOf(data []byte) (*big.Int, error) {
	out, err := linkToken.abi.Unpack("balanceOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function decimals() view returns(uint8)
func (linkToken *LinkToken) PackDecimals() []byte {
	enc, err := linkToken.abi.Pack("decimals")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function decimals() view returns(uint8)
func (linkToken *LinkToken) TryPackDecimals() ([]byte, error) {
	return linkToken.abi.Pack("decimals")
}

// UnpackDecimals is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (linkToken *LinkToken) UnpackDecimals(data []byte) (uint8, error) {
	out, err := linkToken.abi.Unpack("decimals", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function name() view returns(string)
func (linkToken *LinkToken) PackName() []byte {
	enc, err := linkToken.abi.Pack("name")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function name() view returns(string)
func (linkToken *LinkToken) TryPackName() ([]byte, error) {
	return linkToken.abi.Pack("name")
}

// UnpackName is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (linkToken *LinkToken) UnpackName(data []byte) (string, error) {
	out, err := linkToken.abi.Unpack("name", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function symbol() view returns(string)
func (linkToken *LinkToken) PackSymbol() []byte {
	enc, err := linkToken.abi.Pack("symbol")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function symbol() view returns(string)
func (linkToken *LinkToken) TryPackSymbol() ([]byte, error) {
	return linkToken.abi.Pack("symbol")
}

// UnpackSymbol is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (linkToken *LinkToken) UnpackSymbol(data []byte) (string, error) {
	out, err := linkToken.abi.Unpack("symbol", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalSupply() view returns(uint256)
func (linkToken *LinkToken) PackTotalSupply() []byte {
	enc, err := linkToken.abi.Pack("totalSupply")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalSupply() view returns(uint256)
func (linkToken *LinkToken) TryPackTotalSupply() ([]byte, error) {
	return linkToken.abi.Pack("totalSupply")
}

// UnpackTotalSupply is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (linkToken *LinkToken) UnpackTotalSupply(data []byte) (*big.Int, error) {
	out, err := linkToken.abi.Unpack("totalSupply", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (linkToken *LinkToken) PackTransfer(to common.Address, value *big.Int) []byte {
	enc, err := linkToken.abi.Pack("transfer", to, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (linkToken *LinkToken) TryPackTransfer(to common.Address, value *big.Int) ([]byte, error) {
	return linkToken.abi.Pack("transfer", to, value)
}

// UnpackTransfer is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (linkToken *LinkToken) UnpackTransfer(data []byte) (bool, error) {
	out, err := linkToken.abi.Unpack("transfer", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackTransferAndCall is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4000aea0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferAndCall(address to, uint256 value, bytes data) returns(bool)
func (linkToken *LinkToken) PackTransferAndCall(to common.Address, value *big.Int, data []byte) []byte {
	enc, err := linkToken.abi.Pack("transferAndCall", to, value, data)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferAndCall is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4000aea0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferAndCall(address to, uint256 value, bytes data) returns(bool)
func (linkToken *LinkToken) TryPackTransferAndCall(to common.Address, value *big.Int, data []byte) ([]byte, error) {
	return linkToken.abi.Pack("transferAndCall", to, value, data)
}

// UnpackTransferAndCall is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4000aea0.
//
// Solidity: function transferAndCall(address to, uint256 value, bytes data) returns(bool)
func (linkToken *LinkToken) UnpackTransferAndCall(data []byte) (bool, error) {
	out, err := linkToken.abi.Unpack("transferAndCall", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (linkToken *LinkToken) PackTransferFrom(from common.Address, to common.Address, value *big.Int) []byte {
	enc, err := linkToken.abi.Pack("transferFrom", from, to, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (linkToken *LinkToken) TryPackTransferFrom(from common.Address, to common.Address, value *big.Int) ([]byte, error) {
	return linkToken.abi.Pack("transferFrom", from, to, value)
}

// UnpackTransferFrom is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (linkToken *LinkToken) UnpackTransferFrom(data []byte) (bool, error) {
	out, err := linkToken.abi.Unpack("transferFrom", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// LinkTokenApproval represents a Approval event raised by the LinkToken contract.
type LinkTokenApproval struct {
	Owner   common.Address
	Spender common.Address
	Value   *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const LinkTokenApprovalEventName = "Approval"

// ContractEventName returns the user-defined event name.
func (LinkTokenApproval) ContractEventName() string {
	return LinkTokenApprovalEventName
}

// UnpackApprovalEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (linkToken *LinkToken) UnpackApprovalEvent(log *types.Log) (*LinkTokenApproval, error) {
	event := "Approval"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != linkToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(LinkTokenApproval)
	if len(log.Data) > 0 {
		if err := linkToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range linkToken.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// LinkTokenTransfer represents a Transfer event raised by the LinkToken contract.
type LinkTokenTransfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   *types.Log // Blockchain specific contextual infos
}

const LinkTokenTransferEventName = "Transfer"

// ContractEventName returns the user-defined event name.
func (LinkTokenTransfer) ContractEventName() string {
	return LinkTokenTransferEventName
}

// UnpackTransferEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (linkToken *LinkToken) UnpackTransferEvent(log *types.Log) (*LinkTokenTransfer, error) {
	event := "Transfer"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != linkToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(LinkTokenTransfer)
	if len(log.Data) > 0 {
		if err := linkToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range linkToken.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// LinkTokenTransfer0 represents a Transfer0 event raised by the LinkToken contract.
type LinkTokenTransfer0 struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Data  []byte
	Raw   *types.Log // Blockchain specific contextual infos
}

const LinkTokenTransfer0EventName = "Transfer0"

// ContractEventName returns the user-defined event name.
func (LinkTokenTransfer0) ContractEventName() string {
	return LinkTokenTransfer0EventName
}

// UnpackTransfer0Event is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value, bytes data)
func (linkToken *LinkToken) UnpackTransfer0Event(log *types.Log) (*LinkTokenTransfer0, error) {
	event := "Transfer0"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != linkToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(LinkTokenTransfer0)
	if len(log.Data) > 0 {
		if err := linkToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range linkToken.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}
